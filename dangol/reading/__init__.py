"""The Django side's door to dangol.textmining: masking and reading free text before it is stored."""
