"""Operations: backups, deployment files, the production check."""
