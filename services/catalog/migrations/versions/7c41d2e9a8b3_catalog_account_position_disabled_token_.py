"""catalog: account position, disabled accounts, token generation

Revision ID: 7c41d2e9a8b3
Revises: 661c00292662
Create Date: 2026-12-02 10:00:00.000000
"""
import sqlalchemy as sa
from alembic import op

revision = '7c41d2e9a8b3'
down_revision = '661c00292662'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('accounts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('position', sa.String(length=200), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('disabled', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('token_generation', sa.Integer(), nullable=False, server_default='0'))


def downgrade():
    with op.batch_alter_table('accounts', schema=None) as batch_op:
        batch_op.drop_column('token_generation')
        batch_op.drop_column('disabled')
        batch_op.drop_column('position')
