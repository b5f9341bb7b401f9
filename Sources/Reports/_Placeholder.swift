enum _ReportsPlaceholder {}
