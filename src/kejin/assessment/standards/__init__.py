"""Public standards as versioned data: rule kinds, the exact scalar engine, the catalogue."""
