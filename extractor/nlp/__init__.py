"""The spaCy extraction pipeline: tokenizer, sentences, abbreviations, lexicon and pattern
rules, entity resolution, context (negation, speculation, history), normalization, relations."""
