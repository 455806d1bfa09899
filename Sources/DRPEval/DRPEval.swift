// Metrics and evaluation.
// Placeholder namespace; the module's issue fills it.

/// Namespace for the DRPEval module.
public enum DRPEvalModule {}
