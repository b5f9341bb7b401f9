enum _CurriculumPlaceholder {}
