"""Package data, not code: installed as ``extractor._corpus`` (setup.py); read it through
extractor/resources.py."""
