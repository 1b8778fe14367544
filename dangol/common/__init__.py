"""Small helpers every layer may use: reading numbers from a request, writing CSV safely. No models."""
