"""gateway read model: entry history (the public history of entries on their pages)

Revision ID: 62409c4c3f58
Revises: e7a1c0b5d9f3
Create Date: 2026-12-04 03:43:04.882337
"""
import sqlalchemy as sa
from alembic import op

revision = '62409c4c3f58'
down_revision = 'e7a1c0b5d9f3'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('entry_history',
    sa.Column('event_id', sa.String(length=36), nullable=False),
    sa.Column('entry_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('action', sa.String(length=40), nullable=False),
    sa.Column('status', sa.String(length=30), nullable=False),
    sa.Column('occurred_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('event_id')
    )
    with op.batch_alter_table('entry_history', schema=None) as batch_op:
        batch_op.create_index('ix_entry_history_entry_order', ['entry_id', 'occurred_at'], unique=False)
    # The entries' earlier changes are in the practices service's event log: the gateway reads its
    # practice_* events once more on its next catch-up (each projection of them is an upsert, so only
    # the new table changes; other events stay processed, notifications keep their read marks).
    op.execute("DELETE FROM processed_events WHERE event_type LIKE 'practice\\_%' ESCAPE '\\'")
    op.execute("UPDATE replay_checkpoints SET position = 0 WHERE source = 'practices'")


def downgrade():
    with op.batch_alter_table('entry_history', schema=None) as batch_op:
        batch_op.drop_index('ix_entry_history_entry_order')

    op.drop_table('entry_history')
