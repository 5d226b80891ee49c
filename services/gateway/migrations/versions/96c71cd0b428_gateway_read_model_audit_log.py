"""gateway read model: audit log

Revision ID: 96c71cd0b428
Revises: 072c33a7b482
Create Date: 2026-11-23 17:03:35.204192
"""
import sqlalchemy as sa
from alembic import op

revision = '96c71cd0b428'
down_revision = '072c33a7b482'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('audit_log',
    sa.Column('event_id', sa.String(length=36), nullable=False),
    sa.Column('occurred_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('action', sa.String(length=80), nullable=False),
    sa.Column('actor', sa.String(length=80), nullable=True),
    sa.Column('municipality', sa.String(length=40), nullable=True),
    sa.Column('object_type', sa.String(length=20), nullable=False),
    sa.Column('object_id', sa.String(length=80), nullable=False),
    sa.Column('practice_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=30), nullable=True),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('event_id')
    )
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_log_actor'), ['actor'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_log_municipality'), ['municipality'], unique=False)
        batch_op.create_index('ix_audit_log_newest', ['occurred_at', 'event_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_log_practice_id'), ['practice_id'], unique=False)


def downgrade():
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_log_practice_id'))
        batch_op.drop_index('ix_audit_log_newest')
        batch_op.drop_index(batch_op.f('ix_audit_log_municipality'))
        batch_op.drop_index(batch_op.f('ix_audit_log_actor'))

    op.drop_table('audit_log')
