"""Machine translation for drafts: segmentation (`segment`), installed Argos models (`packages`) and the
per-process translation engine (`engine`). Importing this package loads no model and no native library."""
