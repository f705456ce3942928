"""users.interface_language: the language of the desk's pages a person chose (null: their browser's)

Revision ID: 0016_i18n
Revises: 0016_desk
Create Date: 2026-12-05 07:40:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0016_i18n'
down_revision = '0016_desk'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('interface_language', sa.String(length=8), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('interface_language')
