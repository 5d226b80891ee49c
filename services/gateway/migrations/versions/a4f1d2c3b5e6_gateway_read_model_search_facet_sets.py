"""gateway read model: search facets counted by facet set

Revision ID: a4f1d2c3b5e6
Revises: 62409c4c3f58
Create Date: 2026-12-06 11:20:00.000000
"""
import sqlalchemy as sa
from alembic import op

revision = 'a4f1d2c3b5e6'
down_revision = '62409c4c3f58'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('search_facet_sets',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('municipality', sa.String(length=40), nullable=False),
    sa.Column('direction', sa.String(length=200), nullable=False),
    sa.Column('format', sa.String(length=20), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('kind', 'municipality', 'direction', 'format')
    )
    op.create_table('search_document_facets',
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('facet_set', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('search_document_facets', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_search_document_facets_facet_set'), ['facet_set'], unique=False)
    # The documents already indexed get their sets here, as index_document gives new ones.
    op.execute("INSERT INTO search_facet_sets (kind, municipality, direction, format) "
               "SELECT DISTINCT kind, municipality, coalesce(direction, ''), coalesce(format, '') FROM search_filters")
    op.execute("INSERT INTO search_document_facets (id, facet_set) "
               "SELECT f.id, s.id FROM search_filters f JOIN search_facet_sets s ON s.kind = f.kind "
               "AND s.municipality = f.municipality AND s.direction = coalesce(f.direction, '') "
               "AND s.format = coalesce(f.format, '')")


def downgrade():
    with op.batch_alter_table('search_document_facets', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_search_document_facets_facet_set'))
    op.drop_table('search_document_facets')
    op.drop_table('search_facet_sets')
