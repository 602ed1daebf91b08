"""Customer segmentation methods: one module per method, all working on plain pandas tables.

``sample_data`` makes a seeded B2B pharmaceutical customer base; ``transactions`` loads and checks
transaction tables; ``rfm``, ``abc``, ``portfolio``, ``clustering`` and ``clv`` segment and value
customers; ``migration`` compares two periods; ``figures`` draws the report figures.
"""
