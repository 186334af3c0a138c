package dev.snapback.detect;

public enum Severity {
    LOW, MEDIUM, HIGH, CRITICAL
}
