from services.catalog.models import CatalogBase
from shared.migrations import run_env

run_env(CatalogBase.metadata)
