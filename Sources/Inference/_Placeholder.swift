enum _InferencePlaceholder {}
