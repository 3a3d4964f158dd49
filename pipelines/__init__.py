"""Item pipelines, in order: extraction -> dedup -> storage (see settings.base.ITEM_PIPELINES)."""
