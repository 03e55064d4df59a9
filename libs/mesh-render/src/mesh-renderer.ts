import { chromium, type Browser, type BrowserContext } from 'playwright-core';
import type { MeshAsset } from '@assay/mesh-io';
import { CHROMIUM_ARGS, chromiumPath, chromiumProblem } from './chromium.js';
import { RENDER_ORIGIN, routePage, type RequestListener } from './page-routes.js';
import { MeshRenderError } from './render-error.js';
import { packScene, type ScenePayload } from './scene-payload.js';
import { turntable } from './turntable.js';

export interface RenderOptions {
  /** turntable azimuths, evenly spaced from 0 (the asset's +z side); default 8 */
  views?: number;
  /** square views, pixels; default 512 */
  size?: number;
  /** camera height above the bounding box's centre, degrees; default 20 */
  elevationDeg?: number;
  /** CSS colour; default a neutral grey */
  background?: string;
  /** the whole render, page start-up included; default 60 s */
  timeoutMs?: number;
}

export interface RenderedView {
  index: number;
  azimuthDeg: number;
  elevationDeg: number;
  width: number;
  height: number;
  png: Uint8Array;
}

export interface LaunchOptions {
  /** default CHROMIUM_PATH, else /usr/bin/chromium */
  executablePath?: string;
  /** more chromium flags, after CHROMIUM_ARGS */
  args?: string[];
  /** every request a page makes, and whether it was served from the render origin (audits; nothing else is fetched) */
  onRequest?: RequestListener;
}

const DEFAULTS = { views: 8, size: 512, elevationDeg: 20, background: '#808080', timeoutMs: 60_000 };
/** how long a browser or a page gets to close before it is killed */
const CLOSE_GRACE_MS = 5_000;
interface PageGlobals {
  assayRender(scene: ScenePayload): Promise<string[]>;
}

const WEBGL_UNAVAILABLE = 'assay-render:webgl_unavailable:';

/**
 * Turntable renders of 3D assets: three.js in headless chromium, WebGL on SwiftShader (CPU). One browser per
 * renderer, started by `launch` and again by the next render if it died; a fresh browser context per asset, closed
 * after it.
 */
export class MeshRenderer {
  private browser: Promise<Browser> | undefined;
  private closed = false;

  private constructor(
    private readonly executablePath: string,
    private readonly args: string[],
    private readonly onRequest: RequestListener | undefined,
  ) {}

  static async launch(options: LaunchOptions = {}): Promise<MeshRenderer> {
    const executablePath = chromiumPath(options.executablePath);
    const problem = chromiumProblem(executablePath);
    if (problem) throw new MeshRenderError('chromium_missing', problem);
    const renderer = new MeshRenderer(executablePath, [...CHROMIUM_ARGS, ...(options.args ?? [])], options.onRequest);
    await renderer.liveBrowser();
    return renderer;
  }

  async render(asset: MeshAsset, options: RenderOptions = {}): Promise<RenderedView[]> {
    const { views, size, elevationDeg, background, timeoutMs } = checked({ ...DEFAULTS, ...definedOnly(options) });
    const camera = turntable(asset, views, elevationDeg);
    const { payload, geometry } = packScene(asset, camera, size, background);

    let urls: string[];
    try {
      urls = await this.draw(asset, payload, geometry, timeoutMs);
    } catch (err) {
      // a browser that died under this asset (killed, out of memory) gets one fresh start
      if (!(err instanceof MeshRenderError && err.code === 'browser_failed')) throw err;
      urls = await this.draw(asset, payload, geometry, timeoutMs);
    }
    return urls.map((url, index) => ({
      index,
      azimuthDeg: camera.poses[index].azimuthDeg,
      elevationDeg,
      width: size,
      height: size,
      png: new Uint8Array(Buffer.from(url.slice(url.indexOf(',') + 1), 'base64')),
    }));
  }

  /** The views as PNG data URLs, from a browser context of their own that is closed after, whatever happens. */
  private async draw(asset: MeshAsset, payload: ScenePayload, geometry: Buffer, timeoutMs: number): Promise<string[]> {
    const browser = await this.liveBrowser();
    let context: BrowserContext | undefined;
    let timer: NodeJS.Timeout | undefined;
    let settled = false;
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new MeshRenderError('render_timeout', `rendering took longer than ${timeoutMs} ms`)), timeoutMs);
    });
    const drawn = async () => {
      const opened = await browser.newContext({ viewport: { width: 64, height: 64 }, deviceScaleFactor: 1 });
      // opened after the timeout gave up on it: nobody else will close it
      if (settled) await opened.close();
      context = opened;
      const page = await context.newPage();
      const crashed = new Promise<never>((_, reject) =>
        page.once('crash', () =>
          reject(new MeshRenderError('page_crashed', 'the render page crashed (out of memory, or a GPU process failure)')),
        ),
      );
      await routePage(page, asset, geometry, this.onRequest);
      const rendered = (async () => {
        await page.goto(`${RENDER_ORIGIN}/`);
        // the page's module script set assayRender before the load event goto waits for
        return page.evaluate((scene) => (globalThis as unknown as PageGlobals).assayRender(scene), payload);
      })();
      return Promise.race([rendered, crashed]);
    };
    try {
      return await Promise.race([drawn(), timedOut]);
    } catch (err) {
      throw this.renderError(err, browser);
    } finally {
      settled = true;
      clearTimeout(timer);
      await this.discard(context, browser);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    const browser = this.browser;
    this.browser = undefined;
    if (browser) await closeBrowser(await browser.catch(() => undefined));
  }

  /** The running browser, or a new one when there is none or it went away. */
  private async liveBrowser(): Promise<Browser> {
    // also stops a render that lost its browser to close() from starting another
    if (this.closed) throw new Error('MeshRenderer is closed');
    for (let attempt = 0; attempt < 2; attempt++) {
      const launching = (this.browser ??= this.launchBrowser());
      const browser = await launching;
      if (browser.isConnected()) return browser;
      if (this.browser === launching) this.browser = undefined;
    }
    throw new MeshRenderError('browser_failed', `chromium (${this.executablePath}) exits as soon as it starts`);
  }

  private launchBrowser(): Promise<Browser> {
    const launching = chromium
      .launch({ executablePath: this.executablePath, args: this.args, chromiumSandbox: false, handleSIGINT: false, handleSIGTERM: false })
      .catch((err: unknown) => {
        throw new MeshRenderError('browser_failed', `chromium (${this.executablePath}) did not start: ${message(err)}`, { cause: err });
      });
    launching.then(
      (browser) => browser.on('disconnected', () => this.browser === launching && (this.browser = undefined)),
      () => this.browser === launching && (this.browser = undefined),
    );
    return launching;
  }

  /** Closes the asset's context; one that will not close (a renderer stuck in a draw call) takes the browser with it. */
  private async discard(context: BrowserContext | undefined, browser: Browser): Promise<void> {
    if (!context) return;
    const closed = await within(
      context.close().then(() => true),
      CLOSE_GRACE_MS,
      false,
    ).catch(() => true);
    if (closed) return;
    if (this.browser && (await this.browser.catch(() => undefined)) === browser) this.browser = undefined;
    await closeBrowser(browser);
  }

  private renderError(err: unknown, browser: Browser): Error {
    if (err instanceof MeshRenderError) return err;
    const text = message(err);
    const at = text.indexOf(WEBGL_UNAVAILABLE);
    if (at >= 0) {
      const reason = text.slice(at + WEBGL_UNAVAILABLE.length);
      return new MeshRenderError('webgl_unavailable', `chromium could not create a WebGL2 context: ${reason}`, { cause: err });
    }
    if (!browser.isConnected()) return new MeshRenderError('browser_failed', `chromium went away while rendering: ${text}`, { cause: err });
    return new MeshRenderError('render_failed', `the render page failed: ${text}`, { cause: err });
  }
}

/** browser.close() again kills the process group when the polite close hangs (playwright's own escalation). */
async function closeBrowser(browser: Browser | undefined): Promise<void> {
  if (!browser) return;
  const polite = browser.close().then(() => true);
  if (!(await within(polite, CLOSE_GRACE_MS, false).catch(() => true))) await browser.close();
}

function within<T>(promise: Promise<T>, ms: number, otherwise: T): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([promise, new Promise<T>((resolve) => (timer = setTimeout(() => resolve(otherwise), ms)))]).finally(() =>
    clearTimeout(timer),
  );
}

function definedOnly(options: RenderOptions): RenderOptions {
  return Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined));
}

function checked(o: Required<RenderOptions>): Required<RenderOptions> {
  if (!Number.isInteger(o.views) || o.views < 1 || o.views > 360)
    throw new RangeError(`views must be an integer in [1, 360], not ${o.views}`);
  if (!Number.isInteger(o.size) || o.size < 16 || o.size > 4096)
    throw new RangeError(`size must be an integer in [16, 4096], not ${o.size}`);
  // straight above or below, lookAt has no up direction
  if (!(Math.abs(o.elevationDeg) < 90)) throw new RangeError(`elevationDeg must be in (-90, 90), not ${o.elevationDeg}`);
  if (!(o.timeoutMs > 0)) throw new RangeError(`timeoutMs must be positive, not ${o.timeoutMs}`);
  return o;
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
