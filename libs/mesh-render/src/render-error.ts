/** Why a render failed, for the worker to map onto an asset's reason or a start-up problem. */
export type MeshRenderErrorCode =
  /** the chromium binary is not there (`chromiumProblem` says which path) */
  | 'chromium_missing'
  /** chromium started but could not be driven (launch failed, the browser died mid-render) */
  | 'browser_failed'
  /** the page could not create a WebGL2 context */
  | 'webgl_unavailable'
  /** the page's renderer process crashed */
  | 'page_crashed'
  /** the asset took longer than `timeoutMs`; its page was killed */
  | 'render_timeout'
  /** nothing to frame: no vertex with finite coordinates */
  | 'empty_asset'
  /** the page script threw (a bug or an asset three.js cannot draw) */
  | 'render_failed';

export class MeshRenderError extends Error {
  override readonly name = 'MeshRenderError';

  constructor(
    readonly code: MeshRenderErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
