// The invitation code arrives in the URL fragment (#token=…), which browsers never send to the
// server, so it stays out of server logs; copy it into the form.
(function () {
  var match = /token=([^&]+)/.exec(window.location.hash);
  if (match) {
    document.getElementById("token").value = decodeURIComponent(match[1]);
    history.replaceState(null, "", window.location.pathname);
  }
})();
