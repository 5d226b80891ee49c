"""practices: the content an entry was returned for changes with

Revision ID: 7e13a0b5c2d4
Revises: 5c0e7d1a9b42
Create Date: 2026-12-01 23:50:00
"""
import sqlalchemy as sa
from alembic import op

revision = '7e13a0b5c2d4'
down_revision = '5c0e7d1a9b42'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('entry_transitions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('content', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('entry_transitions', schema=None) as batch_op:
        batch_op.drop_column('content')
