"""practices: a collection's front matter (edition), who built it by name, what it was rebuilt from

Revision ID: 5c0e7d1a9b42
Revises: 02a4bf26be32
Create Date: 2026-12-02 12:00:00.000000
"""
import sqlalchemy as sa
from alembic import op

revision = '5c0e7d1a9b42'
down_revision = '02a4bf26be32'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('collections', schema=None) as batch_op:
        batch_op.add_column(sa.Column('created_by_name', sa.String(length=200), nullable=False, server_default=""))
        batch_op.add_column(sa.Column('edition', sa.JSON(), nullable=False, server_default="{}"))
        batch_op.add_column(sa.Column('rebuilt_from', sa.Integer(), nullable=True))


def downgrade():
    with op.batch_alter_table('collections', schema=None) as batch_op:
        batch_op.drop_column('rebuilt_from')
        batch_op.drop_column('edition')
        batch_op.drop_column('created_by_name')
