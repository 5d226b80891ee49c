from services.practices.models import PracticesBase
from shared.migrations import run_env

run_env(PracticesBase.metadata)
