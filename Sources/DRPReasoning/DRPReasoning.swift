// Reasoning orchestrator.
// Placeholder namespace; the module's issue fills it.

/// Namespace for the DRPReasoning module.
public enum DRPReasoningModule {}
