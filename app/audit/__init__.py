"""The audit log: who viewed or changed personal data, exported, imported, erased or changed roles."""
