"""DDL: the ``DialectImpl`` interface and its generic implementation, plus ALTER constructs.

:mod:`mig.ddl.constructs` is usable by any SQLAlchemy program on its own.
"""
