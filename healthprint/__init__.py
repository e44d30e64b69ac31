"""healthprint: bilingual CJK health leaflets and posters from reviewed YAML, rendered with WeasyPrint."""

__version__ = "0.1.0"
