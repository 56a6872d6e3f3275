"""Package data, not code: installed as ``extractor._models`` (setup.py); read it through
extractor/resources.py."""
