"""gateway read model: its version and the projector's heartbeat (read_model_state)

Revision ID: e7a1c0b5d9f3
Revises: d41b7a9c2e10
Create Date: 2026-12-04 04:10:00
"""
import sqlalchemy as sa
from alembic import op

revision = 'e7a1c0b5d9f3'
down_revision = 'd41b7a9c2e10'
branch_labels = None
depends_on = None


def upgrade():
    state = op.create_table(
        'read_model_state',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('beat_at', sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint('id'),
    )
    op.bulk_insert(state, [{'id': 1, 'version': 0, 'beat_at': None}])


def downgrade():
    op.drop_table('read_model_state')
