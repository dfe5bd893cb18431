/** The logger the recording parts need: pino's calling convention (object first, then message). */
export interface RecordingLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}
