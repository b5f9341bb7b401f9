enum _AssessmentPlaceholder {}
