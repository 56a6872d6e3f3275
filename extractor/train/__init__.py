"""Training the toolkit's own NER model (``extractor train``; settings in models/ner.cfg).

* :mod:`extractor.train.settings` reads models/ner.cfg;
* :mod:`extractor.train.corpora` gives each corpus family's train and development documents;
* :mod:`extractor.train.examples` turns gold documents into spaCy Examples (label masking);
* :mod:`extractor.train.loop` trains one ``ner`` component per family and saves the model.
"""
