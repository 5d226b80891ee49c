"""festivals: an entry put forward from a city festival keeps the link to it

Revision ID: 5c3e9a1d7b20
Revises: 0d18cdf1cf2f
Create Date: 2026-12-04 04:20:00
"""
import sqlalchemy as sa
from alembic import op

revision = '5c3e9a1d7b20'
down_revision = '0d18cdf1cf2f'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('festival_entries', schema=None) as batch_op:
        batch_op.add_column(sa.Column('from_festival_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('from_festival_title', sa.String(length=300), nullable=False,
                                      server_default=''))


def downgrade():
    with op.batch_alter_table('festival_entries', schema=None) as batch_op:
        batch_op.drop_column('from_festival_title')
        batch_op.drop_column('from_festival_id')
