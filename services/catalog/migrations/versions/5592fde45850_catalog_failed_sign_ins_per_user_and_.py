"""catalog: failed sign-ins per user and address

Revision ID: 5592fde45850
Revises: 56b8971f2c1c
Create Date: 2026-11-23 16:52:58.208156
"""
import sqlalchemy as sa
from alembic import op

revision = '5592fde45850'
down_revision = '56b8971f2c1c'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('login_failures',
    sa.Column('subject', sa.String(length=200), nullable=False),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.Column('window_started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('locked_until', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('subject')
    )


def downgrade():
    op.drop_table('login_failures')
