// OpenAI-compatible HTTP client.
// Placeholder namespace; the module's issue fills it.

/// Namespace for the DRPOpenAI module.
public enum DRPOpenAIModule {}
