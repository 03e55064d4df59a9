const SIDES: Record<TaskAsset['position'], { caption: string; order: number }> = {
  left: { caption: 'Left (1)', order: 0 },
  right: { caption: 'Right (2)', order: 1 },
  single: { caption: '', order: 0 },
};

/** The task's assets, large: a pair side by side (stacked on narrow screens), or one alone. */
function renderAssets(task: RaterTask, onBroken: () => void): HTMLElement {
  const assets = [...task.assets].sort((a, b) => SIDES[a.position].order - SIDES[b.position].order);
  return el(
    'div',
    { class: assets.length > 1 ? 'assets assets-pair' : 'assets assets-single' },
    ...assets.map((a) => assetFigure(a, onBroken)),
  );
}

function assetFigure(asset: TaskAsset, onBroken: () => void): HTMLElement {
  const caption = SIDES[asset.position].caption;
  const name = caption
    ? `${caption.split(' ')[0]} ${asset.modality === 'image' ? 'image' : asset.modality}`
    : `The ${asset.modality} to rate`;
  const media = mediaElement(asset, name);
  const frame = el('div', { class: `frame frame-${asset.modality}` }, media);
  // signed URLs expire: a reload fetches the task again with fresh ones
  media.addEventListener('error', () => {
    const reload = el('button', { type: 'button', class: 'secondary' }, 'Reload the task');
    reload.addEventListener('click', onBroken);
    frame.replaceChildren(el('p', { class: 'asset-error', role: 'alert' }, `This ${asset.modality} could not be loaded. `, reload));
  });
  return el('figure', { class: 'asset', 'data-position': asset.position }, caption ? el('figcaption', {}, caption) : null, frame);
}

function mediaElement(asset: TaskAsset, name: string): HTMLElement {
  switch (asset.modality) {
    case 'video':
      return el('video', { src: asset.url, controls: true, preload: 'metadata', playsinline: true, 'aria-label': name });
    case 'audio':
      return el('audio', { src: asset.url, controls: true, preload: 'metadata', 'aria-label': name });
    case '3d':
      // the backend renders a 3D model to a contact sheet of views
      return el('img', { src: asset.url, alt: `${name}: rendered views of the model` });
    default:
      return el('img', { src: asset.url, alt: name });
  }
}

/** Resolves once the task's images are decoded (or failed): the task is then really on screen. */
async function imagesDecoded(root: HTMLElement): Promise<void> {
  await Promise.all([...root.querySelectorAll('img')].map((img) => img.decode().catch(() => undefined)));
}
