package dev.snapback.model;

/** The resource a finding is about: CloudFormation-style type and the id that exemptions match. */
public record ResourceRef(String type, String id) {
}
