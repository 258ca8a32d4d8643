# Image pins of generator-containerize, in a file Dependabot understands
# (package-ecosystem: docker). The generator reads these lines at run time:
# the stage name after AS is the key; for language images the leading version
# of the tag (22 in 22-bookworm-slim) is replaced by the detected version.
# Templates never hard-code a version. This file is never built.

# Language build and runtime images (official, Debian bookworm based).
FROM node:22-bookworm-slim AS node
FROM python:3.12-slim-bookworm AS python
FROM golang:1.23-bookworm AS go
FROM debian:bookworm-slim AS debian
FROM maven:3.9-eclipse-temurin-21 AS maven
FROM gradle:8.10-jdk21 AS gradle
FROM eclipse-temurin:21-jre AS java
FROM ruby:3.3-slim-bookworm AS ruby
FROM php:8.3-apache-bookworm AS php
FROM composer:2 AS composer
FROM mcr.microsoft.com/dotnet/sdk:8.0-bookworm-slim AS dotnet-sdk
FROM mcr.microsoft.com/dotnet/aspnet:8.0-bookworm-slim AS dotnet
FROM mcr.microsoft.com/dotnet/runtime:8.0-bookworm-slim AS dotnet-runtime
FROM rust:1.83-slim-bookworm AS rust
FROM elixir:1.17-slim AS elixir
FROM nginxinc/nginx-unprivileged:1.27-bookworm AS nginx

# Build tools copied into images (COPY --from): uv for Python projects locked with uv.lock.
FROM ghcr.io/astral-sh/uv:0.8 AS uv

# Backing services (Compose and in-cluster StatefulSets).
FROM redis:7-bookworm AS redis
FROM postgres:16-bookworm AS postgres
FROM mysql:8.0 AS mysql
FROM mariadb:11 AS mariadb
FROM mongo:7 AS mongodb
FROM rabbitmq:3-management AS rabbitmq
FROM apache/kafka:3.7.0 AS kafka
FROM memcached:1.6-bookworm AS memcached
FROM docker.elastic.co/elasticsearch/elasticsearch:8.15.0 AS elasticsearch
FROM nats:2-alpine AS nats

# The ambassador of a backing service outside the cluster (placement ambassador): a TCP proxy,
# HAProxy's LTS branch (the image runs as its user haproxy, uid and gid 99).
FROM haproxy:3.0-bookworm AS haproxy

# Linters the generated CI runs (ci/lint.sh): Dockerfiles and the rendered Kubernetes objects.
FROM hadolint/hadolint:v2.12.0-debian AS hadolint
FROM ghcr.io/yannh/kubeconform:v0.6.7 AS kubeconform

# Small utility images (the Helm chart's test hook: wget and nc).
FROM busybox:1.37 AS busybox
