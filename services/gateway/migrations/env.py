from services.gateway.models import ReadModelBase
from shared.migrations import run_env

run_env(ReadModelBase.metadata)
