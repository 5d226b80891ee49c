"""practices open data: a licence on every resource

Revision ID: d4458264a9a6
Revises: c4ea360ed243
Create Date: 2026-11-23 17:41:28.120708
"""
import sqlalchemy as sa
from alembic import op

revision = 'd4458264a9a6'
down_revision = 'c4ea360ed243'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('resources', schema=None) as batch_op:
        batch_op.add_column(sa.Column('license', sa.String(length=20), nullable=False, server_default="cc-by-4.0"))


def downgrade():
    with op.batch_alter_table('resources', schema=None) as batch_op:
        batch_op.drop_column('license')
