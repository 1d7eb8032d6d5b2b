/**
 * The environment a report was produced in: backend and device, Deno and tfjs versions, cores,
 * operating system.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { cpus } from "node:os";

/** What ran the pipeline. */
export interface EnvironmentInfo {
  backend: string;
  device: string;
  deno: string;
  v8: string;
  typescript: string;
  tfjs: string;
  os: string;
  cpu: string;
  cores: number;
}

/** The current environment; `backend`/`device` as initBackend reported them (default: tfjs's). */
export function environmentInfo(backend?: { name: string; device: string }): EnvironmentInfo {
  const cpu = cpus();
  return {
    backend: backend?.name ?? (tf.getBackend() || "none"),
    device: backend?.device ?? "",
    deno: Deno.version.deno,
    v8: Deno.version.v8,
    typescript: Deno.version.typescript,
    tfjs: tf.version.tfjs,
    os: `${Deno.build.os} ${Deno.build.arch}`,
    cpu: cpu[0]?.model?.trim() ?? "unknown",
    cores: navigator.hardwareConcurrency,
  };
}
