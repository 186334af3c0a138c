package dev.snapback.model;

public enum Severity {
    LOW, MEDIUM, HIGH, CRITICAL
}
