/*
 * ES5 on purpose, and a classic script: IE (and the IE "兼容模式" of 360/QQ) ignores type="module", so without this
 * the page would stay blank. It only replaces the page with a Chinese hint asking to switch to 极速模式 or to another
 * browser. A separate file rather than an inline script, so the gateway's CSP (script-src 'self') allows it.
 */
(function () {
  var oldEngine = !!document.documentMode || typeof Promise === 'undefined' || !('noModule' in document.createElement('script'));
  if (!oldEngine) return;
  var box = document.getElementById('app');
  if (!box) return;
  box.className = 'boot';
  box.innerHTML =
    '<h1>请切换到极速模式或使用其他浏览器</h1>' +
    '<p>您正在使用的浏览器内核（IE 兼容模式）无法使用会员管理与服务平台。</p>' +
    '<p>如使用 360 浏览器或 QQ 浏览器，请点击地址栏右侧的“闪电”或“e”图标，切换到<strong>极速模式</strong>；' +
    '也可以使用谷歌 Chrome、Edge、火狐、Safari、猎豹或夸克浏览器打开本页。</p>';
})();
