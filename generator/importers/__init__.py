"""Importers: turn a thread posted on X into a thread file (`carousel import`).

Sources: pasted text (`text`), an X API v2 response (`x_api`), an X account
archive (`x_archive`); `detect` tells them apart, `cleanup` repairs their text,
`writer` renders `content/<slug>.md`, and `pipeline` plans and writes the files.
"""

from generator.importers.pipeline import ImportPlan, ImportRequest, apply_plan, plan_import

__all__ = ["ImportPlan", "ImportRequest", "apply_plan", "plan_import"]
