"""gateway open data: the ОКТМО code of every municipality

Revision ID: c3562b4a2a49
Revises: 96c71cd0b428
Create Date: 2026-11-23 17:41:29.248946
"""
import sqlalchemy as sa
from alembic import op

revision = 'c3562b4a2a49'
down_revision = '96c71cd0b428'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('municipalities', schema=None) as batch_op:
        batch_op.add_column(sa.Column('oktmo', sa.String(length=11), nullable=False, server_default=""))


def downgrade():
    with op.batch_alter_table('municipalities', schema=None) as batch_op:
        batch_op.drop_column('oktmo')
