from services.festivals.models import FestivalsBase
from shared.migrations import run_env

run_env(FestivalsBase.metadata)
