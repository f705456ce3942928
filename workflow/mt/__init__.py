"""Machine translation: installed Argos models (`packages`) and the per-process translation engine (`engine`),
used by the draft jobs, the `adaptdesk models` commands and the admin pages alike. Segmentation is domain code
(workflow.domain.segment). Importing this package loads no model and no native library."""
