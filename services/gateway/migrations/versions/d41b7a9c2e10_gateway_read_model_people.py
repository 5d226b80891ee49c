"""gateway read model: people (names and positions of accounts)

Revision ID: d41b7a9c2e10
Revises: 3869a3a83ec8
Create Date: 2026-12-01 23:50:00
"""
import sqlalchemy as sa
from alembic import op

revision = 'd41b7a9c2e10'
down_revision = '3869a3a83ec8'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'people',
        sa.Column('username', sa.String(length=80), nullable=False),
        sa.Column('role', sa.String(length=20), nullable=False),
        sa.Column('municipality', sa.String(length=40), nullable=True),
        sa.Column('full_name', sa.String(length=200), nullable=False),
        sa.Column('position', sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint('username'),
    )


def downgrade():
    op.drop_table('people')
