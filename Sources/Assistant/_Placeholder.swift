enum _AssistantPlaceholder {}
