"""catalog open data: the ОКТМО code of every municipality

Revision ID: 16869f7b5065
Revises: 1612d71348e3
Create Date: 2026-11-23 17:41:27.013425
"""
import sqlalchemy as sa
from alembic import op

revision = '16869f7b5065'
down_revision = '1612d71348e3'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('municipalities', schema=None) as batch_op:
        batch_op.add_column(sa.Column('oktmo', sa.String(length=11), nullable=False, server_default=""))


def downgrade():
    with op.batch_alter_table('municipalities', schema=None) as batch_op:
        batch_op.drop_column('oktmo')
