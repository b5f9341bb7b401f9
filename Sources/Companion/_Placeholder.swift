enum _CompanionPlaceholder {}
