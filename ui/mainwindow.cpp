#include "ui/mainwindow.h"

#include <QAction>
#include <QActionGroup>
#include <QApplication>
#include <QCloseEvent>
#include <QDialog>
#include <QDialogButtonBox>
#include <QDir>
#include <QDockWidget>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileInfo>
#include <QHeaderView>
#include <QImageReader>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QPainter>
#include <QScrollArea>
#include <QSettings>
#include <QSignalBlocker>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTableWidget>
#include <QTimer>
#include <QToolBar>
#include <QToolButton>
#include <QUndoStack>
#include <QVBoxLayout>
#include <algorithm>

#include "core/project/project_io.h"
#include "ui/commands.h"
#include "ui/document.h"
#include "ui/inspector.h"
#include "ui/objectspanel.h"
#include "ui/project_bar.h"
#include "ui/prompts.h"
#include "ui/style.h"
#include "ui/stroke_commands.h"
#include "ui/timeline.h"
#ifdef BOXANIM_HAVE_GENERATION
#include "ui/clip_cache.h"
#include "ui/clip_key.h"
#include "ui/export_dialog.h"
#include "ui/generation_controller.h"
#include "ui/generation_panel.h"
#include "ui/matte_overlay.h"
#include "ui/player.h"
#endif

namespace boxanim::ui {

namespace {
constexpr int kMaxRecent = 8;
constexpr int kAutosaveMs = 60 * 1000;
constexpr int kMaxOutputSide = 1024;

bool isProjectFile(const QString& path) {
    return QFileInfo(path).suffix().compare(QStringLiteral("boxanim"), Qt::CaseInsensitive) == 0;
}

// Output size for a new project: the image size, long side capped, multiples of 8.
OutputSize outputSizeFor(const QSize& img) {
    double w = img.width(), h = img.height();
    const double scale = std::min(1.0, kMaxOutputSide / std::max(w, h));
    w *= scale;
    h *= scale;
    auto round8 = [](double v) { return std::max(16, int(std::lround(v / 8.0)) * 8); };
    return OutputSize{round8(w), round8(h)};
}

QImage placeholderImage(const OutputSize& size, const QString& missing) {
    QImage img(std::max(16, size.width), std::max(16, size.height), QImage::Format_RGB32);
    img.fill(QColor(0x55, 0x58, 0x5e));
    QPainter p(&img);
    p.setPen(QColor(0xdd, 0xdd, 0xdd));
    QFont f;
    f.setPixelSize(std::max(10, img.height() / 24));
    p.setFont(f);
    p.drawText(img.rect().adjusted(10, 10, -10, -10), Qt::AlignCenter | Qt::TextWordWrap,
               QObject::tr("Image missing:\n%1").arg(QFileInfo(missing).fileName()));
    return img;
}
}  // namespace

MainWindow::MainWindow(const MainWindowOptions& options, QWidget* parent)
    : QMainWindow(parent),
      options_(options),
      doc_(new Document(this)),
      prompts_(std::make_unique<Prompts>()),
      autosave_(options.autosaveDir) {
    initResources();
    setWindowIcon(appIcon(QStringLiteral("boxanim")));
    setAcceptDrops(true);
    setDockOptions(QMainWindow::AnimatedDocks | QMainWindow::AllowTabbedDocks);

    canvas_ = new Canvas(doc_, this);
    setCentralWidget(canvas_);
    timeline_ = new TimelineView(doc_, this);
    objects_ = new ObjectsPanel(doc_, this);
    inspector_ = new Inspector(doc_, this);
    projectBar_ = new ProjectBar(doc_, this);
    connect(projectBar_, &ProjectBar::framesRequested, this, &MainWindow::setFrameCount);

    createActions();
    createMenus();
    createDocks();
    createGeneration();

    posLabel_ = new QLabel(this);
    frameLabel_ = new QLabel(this);
    zoomLabel_ = new QLabel(this);
    for (QLabel* l : {posLabel_, frameLabel_, zoomLabel_}) {
        l->setContentsMargins(8, 0, 8, 0);
        statusBar()->addPermanentWidget(l);
    }
    posLabel_->setMinimumWidth(130);
    connect(canvas_, &Canvas::cursorMoved, this, [this](const QPointF& p, bool inside) {
        posLabel_->setText(inside ? tr("x %1  y %2 px").arg(int(p.x())).arg(int(p.y())) : QString());
    });
    connect(canvas_, &Canvas::zoomChanged, this,
            [this](double z) { zoomLabel_->setText(tr("%1%").arg(qRound(z * 100))); });
    connect(canvas_, &Canvas::statusMessage, this, [this](const QString& t) { showStatus(t); });
    connect(timeline_, &TimelineView::statusMessage, this, [this](const QString& t) { showStatus(t); });
    connect(canvas_, &Canvas::toolChanged, this, [this](Canvas::Tool t) {
        if (QAction* a = toolAction(t)) a->setChecked(true);
    });

    QUndoStack* undo = doc_->undoStack();
    connect(undo, &QUndoStack::cleanChanged, this, &MainWindow::updateTitle);
    connect(undo, &QUndoStack::indexChanged, this, &MainWindow::updateTitle);
    connect(doc_, &Document::filePathChanged, this, &MainWindow::updateTitle);
    connect(doc_, &Document::documentReset, this, &MainWindow::updateActions);
    connect(doc_, &Document::documentReset, this, [this] { autosaveOwned_ = false; });
    connect(doc_, &Document::changed, this, &MainWindow::updateActions);
    connect(doc_, &Document::selectionChanged, this, &MainWindow::updateActions);
    connect(doc_, &Document::currentFrameChanged, this, &MainWindow::updateFrameLabel);
    connect(doc_, &Document::changed, this, &MainWindow::updateFrameLabel);

    autosaveTimer_ = new QTimer(this);
    autosaveTimer_->setInterval(kAutosaveMs);
    connect(autosaveTimer_, &QTimer::timeout, this, [this] { autosaveNow(); });
    if (options_.autosave) autosaveTimer_->start();

    resize(1280, 800);
    if (options_.persistentSettings) readSettings();
    rebuildRecentMenu();
    updateTitle();
    updateActions();
    updateFrameLabel();
    zoomLabel_->setText(tr("%1%").arg(qRound(canvas_->zoom() * 100)));
    showStatus(tr("Open an image (Ctrl+N) or a project (Ctrl+O) to start."), 0);
}

MainWindow::~MainWindow() {
#ifdef BOXANIM_HAVE_GENERATION
    // Destroyed without a close (e.g. --screenshot --generate): join the worker
    // while every widget still exists, and tell none of them about it.
    const QSignalBlocker quiet(gen_);
    gen_->shutdown();
#endif
}

void MainWindow::setPrompts(std::unique_ptr<Prompts> prompts) { prompts_ = std::move(prompts); }

QAction* MainWindow::toolAction(Canvas::Tool tool) const {
    switch (tool) {
        case Canvas::Tool::Select: return selectAct_;
        case Canvas::Tool::HardBox: return hardAct_;
        case Canvas::Tool::SoftBox: return softAct_;
        case Canvas::Tool::Path: return pathAct_;
        case Canvas::Tool::IncludeBrush: return includeAct_;
        case Canvas::Tool::ExcludeBrush: return excludeAct_;
    }
    return nullptr;
}

void MainWindow::createActions() {
    auto make = [this](const QString& text, const QKeySequence& key, const QString& tip,
                       const QString& icon = {}) {
        auto* a = new QAction(text, this);
        if (!key.isEmpty()) a->setShortcut(key);
        a->setStatusTip(tip);
        a->setToolTip(key.isEmpty() ? tip
                                    : QStringLiteral("%1 (%2)").arg(tip, key.toString(QKeySequence::NativeText)));
        if (!icon.isEmpty()) a->setIcon(appIcon(icon));
        addAction(a);  // shortcuts work even with the menu bar hidden
        return a;
    };
    newAct_ = make(tr("&New from Image…"), QKeySequence::New,
                   tr("Start a project from a still image"), QStringLiteral("new"));
    connect(newAct_, &QAction::triggered, this, [this] {
        const QString f = prompts_->imageFileName(this, QFileInfo(doc_->imagePath()).absolutePath());
        if (!f.isEmpty()) newFromImage(f);
    });
    openAct_ = make(tr("&Open…"), QKeySequence::Open, tr("Open a project or an image"),
                    QStringLiteral("open"));
    connect(openAct_, &QAction::triggered, this, [this] {
        const QString dir = doc_->filePath().isEmpty() ? QString()
                                                       : QFileInfo(doc_->filePath()).absolutePath();
        const QString f = prompts_->openFileName(this, dir);
        if (!f.isEmpty()) openFile(f);
    });
    saveAct_ = make(tr("&Save"), QKeySequence::Save, tr("Save the project"), QStringLiteral("save"));
    connect(saveAct_, &QAction::triggered, this, &MainWindow::save);
    saveAsAct_ = make(tr("Save &As…"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_S),
                      tr("Save the project under a new name"));
    connect(saveAsAct_, &QAction::triggered, this, &MainWindow::saveAs);
    exportAct_ = make(tr("&Export…"), QKeySequence(Qt::CTRL | Qt::Key_E),
                      tr("Export the generated clip (MP4, WebM, GIF, PNG): generate a clip first"),
                      QStringLiteral("export"));
    exportAct_->setEnabled(false);
    connect(exportAct_, &QAction::triggered, this, &MainWindow::exportClip);
    quitAct_ = make(tr("&Quit"), QKeySequence::Quit, tr("Quit BoxAnim"));
    quitAct_->setMenuRole(QAction::QuitRole);
    connect(quitAct_, &QAction::triggered, this, &QWidget::close);

    QUndoStack* undo = doc_->undoStack();
    undoAct_ = undo->createUndoAction(this, tr("&Undo"));
    undoAct_->setShortcut(QKeySequence::Undo);
    undoAct_->setIcon(appIcon(QStringLiteral("undo")));
    undoAct_->setStatusTip(tr("Undo the last edit"));
    redoAct_ = undo->createRedoAction(this, tr("&Redo"));
    redoAct_->setShortcuts({QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_Z),
                            QKeySequence(Qt::CTRL | Qt::Key_Y)});
    redoAct_->setIcon(appIcon(QStringLiteral("redo")));
    redoAct_->setStatusTip(tr("Redo the last undone edit"));
    addAction(undoAct_);
    addAction(redoAct_);
    deleteAct_ = make(tr("&Delete"), QKeySequence::Delete,
                      tr("Delete the selected path point, else the keyframe at the playhead, else "
                         "the selected object"));
    connect(deleteAct_, &QAction::triggered, this, &MainWindow::deleteSelection);
    addObjectAct_ = make(tr("Add &Object"), QKeySequence(Qt::CTRL | Qt::Key_J),
                         tr("Add an object with a box in the middle of the image"));
    connect(addObjectAct_, &QAction::triggered, objects_, &ObjectsPanel::addObject);

    toolGroup_ = new QActionGroup(this);
    toolGroup_->setExclusive(true);
    auto tool = [&](const QString& text, Qt::Key key, const QString& tip, const QString& icon,
                    Canvas::Tool t) {
        QAction* a = make(text, QKeySequence(key), tip, icon);
        a->setCheckable(true);
        toolGroup_->addAction(a);
        connect(a, &QAction::triggered, this, [this, t] { canvas_->setTool(t); });
        return a;
    };
    selectAct_ = tool(tr("&Select"), Qt::Key_V,
                      tr("Select, move and resize boxes; drag path points (Shift keeps the aspect)"),
                      QStringLiteral("select"), Canvas::Tool::Select);
    hardAct_ = tool(tr("&Hard Box"), Qt::Key_B,
                    tr("Draw a hard box: on frame 0 it adds an object, elsewhere a hard keyframe"),
                    QStringLiteral("hardbox"), Canvas::Tool::HardBox);
    softAct_ = tool(tr("S&oft Box"), Qt::Key_S,
                    tr("Draw a soft box: a region the selected object must stay inside at this frame"),
                    QStringLiteral("softbox"), Canvas::Tool::SoftBox);
    pathAct_ = tool(tr("Motion &Path"), Qt::Key_P,
                    tr("Click to lay out the selected object's path; double-click or Enter finishes"),
                    QStringLiteral("path"), Canvas::Tool::Path);
    includeAct_ = tool(tr("&Include Brush"), Qt::Key_I,
                       tr("Paint what belongs to the selected object (its matte takes it)"),
                       QStringLiteral("include"), Canvas::Tool::IncludeBrush);
    excludeAct_ = tool(tr("E&xclude Brush"), Qt::Key_X,
                       tr("Paint what does not belong to the selected object (its matte drops it)"),
                       QStringLiteral("exclude"), Canvas::Tool::ExcludeBrush);
    selectAct_->setChecked(true);
    brushSmallerAct_ = make(tr("Smaller Brush"), QKeySequence(Qt::Key_BracketLeft),
                            tr("Make the include/exclude brush smaller"));
    connect(brushSmallerAct_, &QAction::triggered, this,
            [this] { canvas_->setBrushRadius(canvas_->brushRadius() / 1.25); });
    brushLargerAct_ = make(tr("Larger Brush"), QKeySequence(Qt::Key_BracketRight),
                           tr("Make the include/exclude brush larger"));
    connect(brushLargerAct_, &QAction::triggered, this,
            [this] { canvas_->setBrushRadius(canvas_->brushRadius() * 1.25); });
    connect(canvas_, &Canvas::brushRadiusChanged, this, [this](double r) {
        showStatus(tr("Brush radius %1 px").arg(qRound(r * std::max(doc_->imageSize().width(),
                                                                   doc_->imageSize().height()))));
    });
    clearStrokesAct_ = make(tr("Clear Strokes"), {},
                            tr("Remove the selected object's include/exclude strokes"));
    connect(clearStrokesAct_, &QAction::triggered, this, [this] {
        const Object* o = doc_->selectedObject();
        if (o && !o->strokes.empty())
            doc_->undoStack()->push(new ClearStrokesCommand(doc_, toQString(o->id)));
    });

    zoomInAct_ = make(tr("Zoom &In"), QKeySequence::ZoomIn, tr("Zoom in"), QStringLiteral("zoom-in"));
    zoomInAct_->setShortcuts({QKeySequence::ZoomIn, QKeySequence(Qt::CTRL | Qt::Key_Equal)});
    connect(zoomInAct_, &QAction::triggered, canvas_, &Canvas::zoomIn);
    zoomOutAct_ = make(tr("Zoom &Out"), QKeySequence::ZoomOut, tr("Zoom out"), QStringLiteral("zoom-out"));
    connect(zoomOutAct_, &QAction::triggered, canvas_, &Canvas::zoomOut);
    zoomFitAct_ = make(tr("&Fit to Window"), QKeySequence(Qt::CTRL | Qt::Key_0),
                       tr("Fit the image to the window"), QStringLiteral("zoom-fit"));
    connect(zoomFitAct_, &QAction::triggered, canvas_, &Canvas::zoomToFit);
    zoomActualAct_ = make(tr("&Actual Size (100%)"), QKeySequence(Qt::CTRL | Qt::Key_1),
                          tr("One image pixel per screen pixel"));
    connect(zoomActualAct_, &QAction::triggered, canvas_, &Canvas::zoomActual);

    prevFrameAct_ = make(tr("&Previous Frame"), QKeySequence(Qt::Key_Left), tr("Step back a frame"));
    connect(prevFrameAct_, &QAction::triggered, this,
            [this] { doc_->setCurrentFrame(doc_->currentFrame() - 1); });
    nextFrameAct_ = make(tr("&Next Frame"), QKeySequence(Qt::Key_Right), tr("Step forward a frame"));
    connect(nextFrameAct_, &QAction::triggered, this,
            [this] { doc_->setCurrentFrame(doc_->currentFrame() + 1); });
    firstFrameAct_ = make(tr("&First Frame"), QKeySequence(Qt::Key_Home), tr("Jump to frame 0"));
    connect(firstFrameAct_, &QAction::triggered, this, [this] { doc_->setCurrentFrame(0); });
    lastFrameAct_ = make(tr("&Last Frame"), QKeySequence(Qt::Key_End), tr("Jump to the last frame"));
    connect(lastFrameAct_, &QAction::triggered, this,
            [this] { doc_->setCurrentFrame(doc_->project().timeline.frames - 1); });

    boxesAct_ = make(tr("Show &Boxes and Paths"), QKeySequence(Qt::Key_H),
                     tr("Show or hide the boxes and motion paths over the photo or the clip"));
    boxesAct_->setCheckable(true);
    boxesAct_->setChecked(canvas_->boxesVisible());
    connect(boxesAct_, &QAction::toggled, canvas_, &Canvas::setBoxesVisible);
    connect(canvas_, &Canvas::boxesVisibleChanged, boxesAct_, &QAction::setChecked);
    // Picking a tool means editing boxes: show them.
    for (QAction* a : toolGroup_->actions())
        connect(a, &QAction::triggered, canvas_, [this] { canvas_->setBoxesVisible(true); });

    shortcutsAct_ = make(tr("&Keyboard Shortcuts"), QKeySequence::HelpContents,
                         tr("List every keyboard shortcut"));
    connect(shortcutsAct_, &QAction::triggered, this, &MainWindow::showShortcuts);
    aboutAct_ = make(tr("&About BoxAnim"), {}, tr("About BoxAnim"));
    aboutAct_->setMenuRole(QAction::AboutRole);
    connect(aboutAct_, &QAction::triggered, this, [this] {
        QMessageBox::about(
            this, tr("About BoxAnim"),
            tr("<b>BoxAnim %1</b><p>Animate a still image by drawing boxes: hard boxes pin an "
               "object, soft boxes give it room, motion paths lead it (after Boximator, "
               "Wang et al., ICML 2024).</p>")
                .arg(QApplication::applicationVersion()));
    });
}

void MainWindow::createMenus() {
    QMenu* file = menuBar()->addMenu(tr("&File"));
    file->addAction(newAct_);
    file->addAction(openAct_);
    recentMenu_ = file->addMenu(tr("Open &Recent"));
    file->addSeparator();
    file->addAction(saveAct_);
    file->addAction(saveAsAct_);
    file->addSeparator();
    file->addAction(exportAct_);
    file->addSeparator();
    file->addAction(quitAct_);

    QMenu* edit = menuBar()->addMenu(tr("&Edit"));
    edit->addAction(undoAct_);
    edit->addAction(redoAct_);
    edit->addSeparator();
    edit->addAction(deleteAct_);
    edit->addAction(addObjectAct_);

    QMenu* tools = menuBar()->addMenu(tr("&Tools"));
    tools->addActions(toolGroup_->actions());
    tools->addSeparator();
    tools->addAction(brushSmallerAct_);
    tools->addAction(brushLargerAct_);
    tools->addAction(clearStrokesAct_);

    viewMenu_ = menuBar()->addMenu(tr("&View"));
    viewMenu_->addAction(zoomInAct_);
    viewMenu_->addAction(zoomOutAct_);
    viewMenu_->addAction(zoomFitAct_);
    viewMenu_->addAction(zoomActualAct_);
    viewMenu_->addSeparator();
    viewMenu_->addAction(prevFrameAct_);
    viewMenu_->addAction(nextFrameAct_);
    viewMenu_->addAction(firstFrameAct_);
    viewMenu_->addAction(lastFrameAct_);
    viewMenu_->addSeparator();
    viewMenu_->addAction(boxesAct_);
    viewMenu_->addSeparator();

    QMenu* help = menuBar()->addMenu(tr("&Help"));
    help->addAction(shortcutsAct_);
    help->addAction(aboutAct_);

    QToolBar* tb = addToolBar(tr("Main"));
    tb->setObjectName(QStringLiteral("mainToolbar"));
    tb->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    tb->setIconSize(QSize(20, 20));
    tb->addAction(newAct_);
    tb->addAction(openAct_);
    tb->addAction(saveAct_);
    tb->addSeparator();
    tb->addAction(undoAct_);
    tb->addAction(redoAct_);
    tb->addSeparator();
    tb->addActions(toolGroup_->actions());
    tb->addSeparator();
    tb->addAction(zoomFitAct_);
    tb->addSeparator();
    tb->addAction(exportAct_);
    // Icons alone for the file and undo buttons keep the toolbar short.
    for (QAction* a : {newAct_, openAct_, saveAct_, undoAct_, redoAct_, zoomFitAct_, includeAct_,
                       excludeAct_})
        if (QWidget* w = tb->widgetForAction(a))
            if (auto* b = qobject_cast<QToolButton*>(w)) b->setToolButtonStyle(Qt::ToolButtonIconOnly);
    viewMenu_->addAction(tb->toggleViewAction());
}

void MainWindow::createDocks() {
    auto dock = [this](const QString& title, const QString& name, QWidget* w,
                       Qt::DockWidgetArea area) {
        auto* d = new QDockWidget(title, this);
        d->setObjectName(name);
        d->setWidget(w);
        d->setFeatures(QDockWidget::DockWidgetMovable | QDockWidget::DockWidgetFloatable |
                       QDockWidget::DockWidgetClosable);
        addDockWidget(area, d);
        viewMenu_->addAction(d->toggleViewAction());
        return d;
    };
    objectsDock_ = dock(tr("Objects"), QStringLiteral("objectsDock"), objects_, Qt::RightDockWidgetArea);
    // Scrolls rather than squeezing its wrapped hints on short screens.
    auto* inspectorScroll = new QScrollArea(this);
    inspectorScroll->setWidget(inspector_);
    inspectorScroll->setWidgetResizable(true);
    inspectorScroll->setFrameShape(QFrame::NoFrame);
    inspectorScroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    inspectorDock_ = dock(tr("Inspector"), QStringLiteral("inspectorDock"), inspectorScroll,
                          Qt::RightDockWidgetArea);
    // The project bar (frames, fps, output size) heads the timeline.
    auto* timelineBox = new QWidget(this);
    auto* tv = new QVBoxLayout(timelineBox);
    tv->setContentsMargins(0, 0, 0, 0);
    tv->setSpacing(0);
    tv->addWidget(projectBar_);
    tv->addWidget(timeline_, 1);
    timelineDock_ = dock(tr("Timeline"), QStringLiteral("timelineDock"), timelineBox,
                         Qt::BottomDockWidgetArea);
    setCorner(Qt::BottomRightCorner, Qt::RightDockWidgetArea);
    resizeDocks({objectsDock_, inspectorDock_}, {130, 520}, Qt::Vertical);
    resizeDocks({objectsDock_}, {290}, Qt::Horizontal);
    resizeDocks({timelineDock_}, {timeline_->sizeHint().height() + projectBar_->sizeHint().height()},
                Qt::Vertical);
}

void MainWindow::addPanel(QDockWidget* dock, Qt::DockWidgetArea area) {
    dock->setParent(this);
    addDockWidget(area, dock);
    viewMenu_->addAction(dock->toggleViewAction());
}

// ---------------------------------------------------------------- generation

#ifdef BOXANIM_HAVE_GENERATION
void MainWindow::createGeneration() {
    gen_ = new GenerationController(this);
    player_ = new Player(doc_, canvas_, this);
    clipCache_ = new ClipCache(options_.clipCacheDir, this);
    connect(clipCache_, &ClipCache::clipFound, this,
            [this](const QString& id, const QString& key, ClipFrames frames, int fps) {
                // Still the same project in the same state, and no newer clip.
                if (doc_->isEmpty() || toQString(doc_->project().id) != id || player_->hasClip() ||
                    gen_->isRunning() || clipDependencyKey(doc_->project(), doc_->image()) != key)
                    return;
                player_->setClip(std::move(frames), fps, key);
                showStatus(tr("Reused the clip generated earlier for this project (Export is ready; C shows it)."));
            });
    genPanel_ = new GenerationPanel(doc_, gen_, player_, this);
    genDock_ = new QDockWidget(tr("Generate"), this);
    genDock_->setObjectName(QStringLiteral("generateDock"));
    genDock_->setWidget(genPanel_);
    genDock_->setFeatures(QDockWidget::DockWidgetMovable | QDockWidget::DockWidgetFloatable |
                          QDockWidget::DockWidgetClosable);
    // On the left, above the timeline: the right column then has room for the
    // whole inspector at 1280 x 800 (photos are height-bound on the canvas).
    addDockWidget(Qt::LeftDockWidgetArea, genDock_);
    resizeDocks({genDock_}, {280}, Qt::Horizontal);
    viewMenu_->addAction(genDock_->toggleViewAction());

    auto make = [this](const QString& text, const QKeySequence& key, const QString& tip) {
        auto* a = new QAction(text, this);
        a->setShortcut(key);
        a->setStatusTip(tip);
        a->setToolTip(QStringLiteral("%1 (%2)").arg(tip, key.toString(QKeySequence::NativeText)));
        addAction(a);
        return a;
    };
    generateAct_ = make(tr("&Generate"), QKeySequence(Qt::CTRL | Qt::Key_Return),
                        tr("Generate the clip; previews stream into the canvas"));
    generateAct_->setShortcuts({QKeySequence(Qt::CTRL | Qt::Key_Return), QKeySequence(Qt::CTRL | Qt::Key_Enter)});
    connect(generateAct_, &QAction::triggered, genPanel_, &GenerationPanel::generate);
    cancelAct_ = make(tr("&Cancel Generation"), QKeySequence(Qt::Key_Escape), tr("Stop the generation"));
    cancelAct_->setEnabled(false);  // a disabled action leaves Esc to the widgets
    connect(cancelAct_, &QAction::triggered, genPanel_, &GenerationPanel::cancel);
    playAct_ = make(tr("&Play / Pause"), QKeySequence(Qt::Key_Space), tr("Play or pause the clip"));
    playAct_->setEnabled(false);
    connect(playAct_, &QAction::triggered, player_, &Player::togglePlay);
    connect(canvas_, &Canvas::spaceTapped, this, [this] {
        if (playAct_->isEnabled()) player_->togglePlay();
    });
    clipAct_ = make(tr("Show &Clip"), QKeySequence(Qt::Key_C),
                    tr("Toggle between the generated clip and the photo"));
    clipAct_->setCheckable(true);
    clipAct_->setEnabled(false);
    connect(clipAct_, &QAction::toggled, player_, &Player::setClipShown);
    connect(player_, &Player::clipShownChanged, clipAct_, &QAction::setChecked);
    // The mattes: computed in the background as soon as a frame-0 box or a
    // stroke changes, shown over the photo (a toggle, on by default).
    matteOverlay_ = new MatteOverlay(doc_, nullptr, this);
    connect(matteOverlay_, &MatteOverlay::overlayChanged, this,
            [this] { canvas_->setMatteOverlay(matteOverlay_->overlay()); });
    connect(matteOverlay_, &MatteOverlay::noticeChanged, this, [this](const QString& t) {
        if (!t.isEmpty()) showStatus(t);
    });
    showMattesAct_ = make(tr("Show &Mattes"), QKeySequence(Qt::Key_M),
                          tr("Show each object's matte (what will move) over the photo"));
    showMattesAct_->setCheckable(true);
    showMattesAct_->setChecked(true);
    connect(showMattesAct_, &QAction::toggled, matteOverlay_, &MatteOverlay::setEnabled);
    if (!options_.mattes) showMattesAct_->setChecked(false);
    viewMenu_->addAction(showMattesAct_);

    QMenu* gen = new QMenu(tr("&Generate"), this);
    menuBar()->insertMenu(viewMenu_->menuAction(), gen);
    gen->addAction(generateAct_);
    gen->addAction(cancelAct_);
    gen->addSeparator();
    gen->addAction(playAct_);
    gen->addAction(clipAct_);
    gen->addAction(boxesAct_);

    auto updateClipActions = [this] {
        const bool frames = player_->hasClip() || player_->showingPreview();
        playAct_->setEnabled(frames);
        clipAct_->setEnabled(frames);
        exportAct_->setEnabled(player_->hasClip());
    };
    connect(player_, &Player::clipChanged, this, updateClipActions);
    connect(player_, &Player::previewChanged, this, updateClipActions);
    connect(gen_, &GenerationController::runningChanged, this, [this, updateClipActions](bool running) {
        cancelAct_->setEnabled(running);
        updateClipActions();
    });
    connect(gen_, &GenerationController::started, this,
            [this] { showStatus(tr("Generating… (Esc cancels; editing carries on)"), 0); });
    connect(gen_, &GenerationController::jobEnded, this, &MainWindow::onGenerationEnded);
    connect(genPanel_, &GenerationPanel::statusMessage, this, [this](const QString& t) { showStatus(t); });
}

void MainWindow::onGenerationEnded() {
    const GenerationOutcome& o = gen_->outcome();
    switch (o.state) {
        case JobState::Finished: {
            if (player_->hasClip() && !player_->clipKey().isEmpty())  // kept with the project
                clipCache_->store(toQString(doc_->project().id), player_->clipKey(), player_->clip(),
                                  player_->clipFps());
            QString text = tr("Generated %1 frames in %2 s with %3.")
                               .arg(o.frames ? int(o.frames->size()) : 0)
                               .arg(QString::number(o.elapsedMs / 1000.0, 'f', 1), o.engine);
            if (!o.notices.isEmpty()) text += QLatin1Char(' ') + o.notices.join(QStringLiteral(" "));
            showStatus(text, o.notices.isEmpty() ? 8000 : 0);
            break;
        }
        case JobState::Cancelled: showStatus(tr("Generation cancelled.")); break;
        default:
            showStatus(tr("Generation failed: %1").arg(o.message), 0);
            if (o.modelProblem()) {
                if (prompts_->askUseCutout(this, o.message)) {
                    GenerationSettings s = doc_->project().generation;
                    s.engine = "cutout";
                    doc_->undoStack()->push(new GenerationSettingsCommand(doc_, s, 0, tr("Use the cutout engine")));
                    genPanel_->generate();
                }
            } else {
                prompts_->showError(this, tr("Generation failed"), o.message);
            }
            break;
    }
}

void MainWindow::findCachedClip() {
    if (doc_->isEmpty() || doc_->imageMissing()) return;
    clipCache_->find(toQString(doc_->project().id), clipDependencyKey(doc_->project(), doc_->image()));
}

ExportDialog* MainWindow::createExportDialog() {
    if (!player_->hasClip()) return nullptr;
    QString base = QFileInfo(doc_->filePath().isEmpty() ? doc_->imagePath() : doc_->filePath()).completeBaseName();
    auto* dlg = new ExportDialog(player_->clip(), player_->clipFps(), base, this);
    connect(dlg, &ExportDialog::exportFinished, this, [this](bool, const QString& m) { showStatus(m); });
    return dlg;
}

void MainWindow::exportClip() {
    std::unique_ptr<ExportDialog> dlg(createExportDialog());
    if (!dlg) {
        showStatus(tr("Generate a clip first (Ctrl+Return)."));
        return;
    }
    player_->pause();
    dlg->exec();
}
#else
void MainWindow::findCachedClip() {}
void MainWindow::createGeneration() {}
void MainWindow::onGenerationEnded() {}
ExportDialog* MainWindow::createExportDialog() { return nullptr; }
void MainWindow::exportClip() {}
#endif

// ---------------------------------------------------------------- state

void MainWindow::updateTitle() {
    if (doc_->isEmpty())
        setWindowTitle(QStringLiteral("BoxAnim[*]"));
    else
        setWindowTitle(QStringLiteral("%1[*] — BoxAnim").arg(doc_->displayName()));
    setWindowModified(!doc_->isEmpty() && !doc_->undoStack()->isClean());
}

void MainWindow::updateActions() {
    const bool has = !doc_->isEmpty();
    saveAct_->setEnabled(has);
    saveAsAct_->setEnabled(has);
    for (QAction* a : toolGroup_->actions()) a->setEnabled(has);
    for (QAction* a : {zoomInAct_, zoomOutAct_, zoomFitAct_, zoomActualAct_, prevFrameAct_,
                       nextFrameAct_, firstFrameAct_, lastFrameAct_})
        a->setEnabled(has);
    addObjectAct_->setEnabled(has && int(doc_->project().objects.size()) < kMaxObjects);
    deleteAct_->setEnabled(doc_->selectedObject() != nullptr);
}

void MainWindow::updateFrameLabel() {
    const Project& p = doc_->project();
    const int f = doc_->currentFrame();
    frameLabel_->setText(tr("Frame %1 / %2 · %3 s")
                             .arg(f)
                             .arg(p.timeline.frames - 1)
                             .arg(QString::number(double(f) / std::max(1, p.timeline.fps), 'f', 2)));
}

void MainWindow::showStatus(const QString& text, int ms) { statusBar()->showMessage(text, ms); }

void MainWindow::readSettings() {
    QSettings s;
    if (const QByteArray g = s.value(QStringLiteral("window/geometry")).toByteArray(); !g.isEmpty())
        restoreGeometry(g);
    if (const QByteArray st = s.value(QStringLiteral("window/state")).toByteArray(); !st.isEmpty())
        restoreState(st);
    recent_ = s.value(QStringLiteral("recentFiles")).toStringList();
}

void MainWindow::writeSettings() {
    if (!options_.persistentSettings) return;
    QSettings s;
    s.setValue(QStringLiteral("window/geometry"), saveGeometry());
    s.setValue(QStringLiteral("window/state"), saveState());
    s.setValue(QStringLiteral("recentFiles"), recent_);
}

void MainWindow::addRecent(const QString& path) {
    const QString abs = QFileInfo(path).absoluteFilePath();
    recent_.removeAll(abs);
    recent_.prepend(abs);
    while (recent_.size() > kMaxRecent) recent_.removeLast();
    rebuildRecentMenu();
    if (options_.persistentSettings) QSettings().setValue(QStringLiteral("recentFiles"), recent_);
}

void MainWindow::rebuildRecentMenu() {
    recentMenu_->clear();
    int i = 0;
    for (const QString& f : recent_) {
        QAction* a = recentMenu_->addAction(
            QStringLiteral("&%1 %2").arg(++i).arg(QFileInfo(f).fileName()), this,
            [this, f] { openFile(f); });
        a->setStatusTip(QDir::toNativeSeparators(f));
        a->setEnabled(QFileInfo::exists(f));
    }
    if (recent_.isEmpty()) recentMenu_->addAction(tr("(none)"))->setEnabled(false);
    recentMenu_->addSeparator();
    recentMenu_->addAction(tr("Clear List"), this, [this] {
        recent_.clear();
        rebuildRecentMenu();
        if (options_.persistentSettings) QSettings().setValue(QStringLiteral("recentFiles"), recent_);
    })->setEnabled(!recent_.isEmpty());
}

// ---------------------------------------------------------------- files

QImage MainWindow::readImage(const QString& path, QString* error) const {
    QImageReader reader(path);
    reader.setAutoTransform(true);  // EXIF orientation, as the user sees the photo
    QImage img = reader.read();
    if (img.isNull() && error) *error = reader.errorString();
    return img;
}

bool MainWindow::openFile(const QString& path) {
    return isProjectFile(path) ? openProject(path) : newFromImage(path);
}

bool MainWindow::newFromImage(const QString& path) {
    QString err;
    const QImage img = readImage(path, &err);
    if (img.isNull()) {
        prompts_->showError(this, tr("Cannot open image"),
                            tr("%1: %2").arg(QDir::toNativeSeparators(path), err));
        return false;
    }
    if (!maybeSave()) return false;
    const QString abs = QFileInfo(path).absoluteFilePath();
    Project p;
    p.id = newId();
    p.reference.path = toStd(abs);
    try {
        p.reference.sha256 = sha256File(toStd(abs));
    } catch (const std::exception&) {
        p.reference.sha256.clear();
    }
    p.timeline = boxanim::Timeline{48, 24};
    p.output = outputSizeFor(img.size());
    dropOwnAutosave();
    doc_->reset(p, QString(), abs, img);
    canvas_->setTool(Canvas::Tool::HardBox);
    showStatus(tr("New project from %1 (%2 × %3). Draw a box around an object to animate it.")
                   .arg(QFileInfo(path).fileName())
                   .arg(img.width())
                   .arg(img.height()),
               0);
    return true;
}

// Empty when `chosen` is the project's own image (same sha256, or none
// stored); else what re-linking it changes, in words.
QString MainWindow::relinkDifference(const Project& p, const QString& chosen, const QSize& size) const {
    if (p.reference.sha256.empty()) return {};
    std::string sha;
    try {
        sha = sha256File(toStd(chosen));
    } catch (const std::exception&) {
    }
    if (sha == p.reference.sha256) return {};
    QStringList lines;
    lines << tr("Its checksum (sha256) differs from the one the project stored: it is another "
                "picture, or an edited or re-saved copy.");
    const double was = double(p.output.width) / std::max(1, p.output.height);
    const double now = double(size.width()) / std::max(1, size.height());
    lines << tr("The project's clip is %1 × %2 (aspect %3); this image is %4 × %5 (aspect %6).")
                 .arg(p.output.width)
                 .arg(p.output.height)
                 .arg(QString::number(was, 'f', 2))
                 .arg(size.width())
                 .arg(size.height())
                 .arg(QString::number(now, 'f', 2));
    if (std::abs(now / was - 1.0) > 0.01)
        lines << tr("Boxes are kept as fractions of the image, so on this one they come out %1% %2 "
                    "relative to their height, and the objects they held may be elsewhere.")
                     .arg(qRound(std::abs(now / was - 1.0) * 100))
                     .arg(now > was ? tr("wider") : tr("narrower"));
    else
        lines << tr("The aspect is the same: boxes keep their place, but what they hold may differ.");
    lines << tr("A clip generated before no longer matches.");
    return lines.join(QLatin1Char('\n'));
}

bool MainWindow::openProject(const QString& path) {
    Project p;
    try {
        p = loadProject(toStd(path));
    } catch (const std::exception& e) {
        prompts_->showError(this, tr("Cannot open project"), QString::fromUtf8(e.what()));
        return false;
    }
    if (!maybeSave()) return false;
    const QString abs = QFileInfo(path).absoluteFilePath();
    QString imagePath = toQString(resolveReferencePath(p, toStd(abs)));
    QString err;
    QImage img = QFileInfo::exists(imagePath) ? readImage(imagePath, &err) : QImage();
    bool missing = img.isNull();
    QString relinked, relinkNote;
    while (missing) {
        const QString chosen = prompts_->askRelink(this, imagePath);
        if (chosen.isEmpty()) break;
        img = readImage(chosen, &err);
        if (img.isNull()) {
            prompts_->showError(this, tr("Cannot open image"),
                                tr("%1: %2").arg(QDir::toNativeSeparators(chosen), err));
            continue;
        }
        // The project knows its image's checksum: say when this is another one.
        if (const QString why = relinkDifference(p, chosen, img.size()); !why.isEmpty()) {
            relinkNote = why;
            if (!prompts_->askRelinkDifferent(this, chosen, why)) {
                img = QImage();
                relinkNote.clear();
                continue;
            }
        }
        missing = false;
        relinked = QFileInfo(chosen).absoluteFilePath();
    }
    dropOwnAutosave();
    if (missing) {
        doc_->reset(p, abs, imagePath, placeholderImage(p.output, imagePath), true);
        showStatus(tr("The reference image is missing; boxes are shown over a placeholder."), 0);
    } else if (!relinked.isEmpty()) {
        doc_->reset(p, abs, imagePath, img);
        std::string sha;
        try {
            sha = sha256File(toStd(relinked));
        } catch (const std::exception&) {
        }
        doc_->relinkImage(relinked, img, sha);
        showStatus(relinkNote.isEmpty()
                       ? tr("Re-linked the image to %1. Save to keep it.").arg(QFileInfo(relinked).fileName())
                       : tr("Re-linked to %1, a different image than the project was made with. Save to keep it.")
                             .arg(QFileInfo(relinked).fileName()),
                   0);
    } else {
        doc_->reset(p, abs, imagePath, img);
        QString note;
        if (!p.reference.sha256.empty()) {
            try {
                if (sha256File(toStd(imagePath)) != p.reference.sha256)
                    note = tr(" Note: the image changed since the project was saved.");
            } catch (const std::exception&) {
            }
        }
        showStatus(tr("Opened %1.%2").arg(QFileInfo(path).fileName(), note), 0);
    }
    canvas_->setTool(Canvas::Tool::Select);
    if (!p.objects.empty()) doc_->setSelectedObjectId(toQString(p.objects.front().id));
    findCachedClip();
    addRecent(abs);
    if (auto entry = autosave_.entryFor(p.id); entry && entry->newerThanSaved())
        offerRecoveryFor(*entry, abs);
    return true;
}

bool MainWindow::saveTo(const QString& path) {
    if (doc_->isEmpty()) return false;
    const QString abs = QFileInfo(path).absoluteFilePath();
    Project copy = doc_->project();
    const QDir dir = QFileInfo(abs).absoluteDir();
    copy.reference.path = toStd(QDir::fromNativeSeparators(dir.relativeFilePath(doc_->imagePath())));
    try {
        saveProject(copy, toStd(abs));
    } catch (const std::exception& e) {
        prompts_->showError(this, tr("Cannot save project"),
                            tr("%1: %2").arg(QDir::toNativeSeparators(abs), QString::fromUtf8(e.what())));
        return false;
    }
    doc_->setSavedReference(copy.reference);
    doc_->setFilePath(abs);
    doc_->undoStack()->setClean();
    autosave_.remove(copy.id);
    addRecent(abs);
    updateTitle();
    showStatus(tr("Saved %1").arg(QFileInfo(abs).fileName()));
    return true;
}

bool MainWindow::save() {
    if (doc_->isEmpty()) return false;
    if (doc_->filePath().isEmpty()) return saveAs();
    return saveTo(doc_->filePath());
}

bool MainWindow::saveAs() {
    if (doc_->isEmpty()) return false;
    QString suggested = doc_->filePath();
    if (suggested.isEmpty()) {
        const QFileInfo img(doc_->imagePath());
        suggested = img.absolutePath() + QLatin1Char('/') + img.completeBaseName() +
                    QStringLiteral(".boxanim");
    }
    const QString f = prompts_->saveFileName(this, suggested);
    return !f.isEmpty() && saveTo(f);
}

bool MainWindow::maybeSave() {
    if (doc_->isEmpty() || doc_->undoStack()->isClean()) return true;
    switch (prompts_->askSaveChanges(this, doc_->displayName())) {
        case Prompts::SaveChoice::Save: return save();
        case Prompts::SaveChoice::Discard: return true;
        case Prompts::SaveChoice::Cancel: return false;
    }
    return false;
}

// ---------------------------------------------------------------- autosave

void MainWindow::setAutosaveInterval(int ms) { autosaveTimer_->setInterval(ms); }
int MainWindow::autosaveInterval() const { return autosaveTimer_->interval(); }

bool MainWindow::autosaveNow() {
    if (doc_->isEmpty()) return false;
    if (doc_->undoStack()->isClean()) {  // e.g. undone back to the saved state
        dropOwnAutosave();
        return false;
    }
    if (doc_->revision() == autosavedRevision_ &&
        QFileInfo::exists(autosave_.fileFor(doc_->project().id)))
        return true;  // already written
    QString err;
    if (!autosave_.write(doc_->project(), doc_->filePath(), doc_->imagePath(), &err)) {
        showStatus(tr("Autosave failed: %1").arg(err));
        return false;
    }
    autosavedRevision_ = doc_->revision();
    autosaveOwned_ = true;
    return true;
}

void MainWindow::dropOwnAutosave() {
    if (autosaveOwned_ && !doc_->isEmpty()) autosave_.remove(doc_->project().id);
    autosaveOwned_ = false;
}

bool MainWindow::offerRecoveryFor(const Autosave::Entry& entry, const QString& openedPath) {
    const QString name = entry.projectPath.isEmpty() ? tr("an untitled project")
                                                     : QFileInfo(entry.projectPath).fileName();
    switch (prompts_->askRecover(this, name, entry.time, entry.savedTime())) {
        case Prompts::RecoveryChoice::Discard:
            autosave_.remove(toStd(entry.projectId));
            return false;
        case Prompts::RecoveryChoice::Later: return false;
        case Prompts::RecoveryChoice::Recover: break;
    }
    Project p;
    try {
        p = loadProject(toStd(entry.file));
    } catch (const std::exception& e) {
        prompts_->showError(this, tr("Cannot recover"), QString::fromUtf8(e.what()));
        return false;
    }
    const QString imagePath = toQString(resolveReferencePath(p, toStd(entry.file)));
    QString err;
    QImage img = readImage(imagePath, &err);
    const bool missing = img.isNull();
    if (missing) img = placeholderImage(p.output, imagePath);
    QString target = openedPath;
    if (target.isEmpty() && !entry.projectPath.isEmpty() && QFileInfo::exists(entry.projectPath))
        target = entry.projectPath;
    doc_->reset(p, target, imagePath, img, missing);
    doc_->undoStack()->resetClean();  // recovered work is unsaved until saved
    autosaveOwned_ = true;
    updateTitle();
    if (!p.objects.empty()) doc_->setSelectedObjectId(toQString(p.objects.front().id));
    showStatus(tr("Recovered unsaved work. Save to keep it."), 0);
    return true;
}

bool MainWindow::offerRecovery() {
    for (const Autosave::Entry& e : autosave_.entries()) {
        if (!e.newerThanSaved()) continue;
        return offerRecoveryFor(e, QString());
    }
    return false;
}

// ---------------------------------------------------------------- editing

bool MainWindow::setFrameCount(int frames) {
    if (doc_->isEmpty()) return false;
    const Project& p = doc_->project();
    frames = std::clamp(frames, 2, kMaxFrames);
    const int from = p.timeline.frames;
    if (frames == from) return false;
    bool scale = false;
    const QStringList losses = framesLosses(p.objects, from, frames);
    if (!losses.isEmpty()) {
        switch (prompts_->askLowerFrames(this, from, frames, losses)) {
            case Prompts::FramesChoice::Cancel:
                showStatus(tr("Frames left at %1.").arg(from));
                projectBar_->refresh();
                return false;
            case Prompts::FramesChoice::ScaleKeys: scale = true; break;
            case Prompts::FramesChoice::Remove: break;
        }
    }
    doc_->undoStack()->push(new ProjectSettingsCommand(doc_, {frames, p.timeline.fps}, p.output, 0, scale));
    if (!losses.isEmpty())
        showStatus(scale ? tr("Frames %1 → %2: keys and paths scaled with the timeline (Ctrl+Z undoes).")
                               .arg(from)
                               .arg(frames)
                         : tr("Frames %1 → %2: removed %3 (Ctrl+Z brings it back).")
                               .arg(from)
                               .arg(frames)
                               .arg(losses.join(QStringLiteral("; "))));
    return true;
}

void MainWindow::deleteSelection() {
    const Object* o = doc_->selectedObject();
    if (!o) return;
    const QString id = toQString(o->id);
    const int node = doc_->selectedPathNode();
    if (o->path && node >= 0 && node < int(o->path->points.size())) {
        MotionPath path = *o->path;
        path.points.erase(path.points.begin() + node);
        std::optional<MotionPath> next;
        if (path.points.size() >= 2) next = path;
        doc_->undoStack()->push(new SetPathCommand(doc_, id, next, 0,
                                                   next ? tr("Delete path point") : tr("Delete motion path")));
        doc_->setSelectedPathNode(next ? std::min(node, int(path.points.size()) - 1) : -1);
        return;
    }
    const int frame = doc_->currentFrame();
    if (frame != 0 && o->keyframeAt(frame)) {
        doc_->undoStack()->push(new RemoveKeyframeCommand(doc_, id, frame));
        return;
    }
    doc_->undoStack()->push(new DeleteObjectCommand(doc_, id));
}

void MainWindow::showShortcuts() {
    QDialog dlg(this);
    dlg.setWindowTitle(tr("Keyboard Shortcuts"));
    auto* layout = new QVBoxLayout(&dlg);
    auto* table = new QTableWidget(&dlg);
    table->setColumnCount(2);
    table->setHorizontalHeaderLabels({tr("Action"), tr("Shortcut")});
    table->verticalHeader()->hide();
    table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    QList<QPair<QString, QString>> rows;
    for (QAction* a : actions()) {
        if (a->shortcuts().isEmpty()) continue;
        QStringList keys;
        for (const QKeySequence& k : a->shortcuts()) keys << k.toString(QKeySequence::NativeText);
        rows.append({a->text().remove(QLatin1Char('&')), keys.join(QStringLiteral(", "))});
    }
    rows.append({tr("Pan the canvas"), tr("Space + drag, or middle-button drag")});
    rows.append({tr("Zoom around the cursor"), tr("Mouse wheel")});
    rows.append({tr("Keep the aspect while resizing"), tr("Shift + drag a handle")});
    rows.append({tr("Finish a motion path"), tr("Double-click, Enter or Esc")});
    table->setRowCount(rows.size());
    for (int i = 0; i < rows.size(); ++i) {
        table->setItem(i, 0, new QTableWidgetItem(rows[i].first));
        table->setItem(i, 1, new QTableWidgetItem(rows[i].second));
    }
    table->resizeColumnsToContents();
    table->horizontalHeader()->setStretchLastSection(true);
    layout->addWidget(table);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, &dlg);
    connect(buttons, &QDialogButtonBox::rejected, &dlg, &QDialog::reject);
    layout->addWidget(buttons);
    dlg.resize(520, 560);
    dlg.exec();
}

// ---------------------------------------------------------------- events

void MainWindow::closeEvent(QCloseEvent* event) {
    if (!maybeSave()) {
        event->ignore();
        return;
    }
    dropOwnAutosave();  // a clean exit
    writeSettings();
#ifdef BOXANIM_HAVE_GENERATION
    gen_->shutdown();  // cancels a running generation (within a sampler step) and joins
#endif
    event->accept();
}

void MainWindow::dragEnterEvent(QDragEnterEvent* event) {
    const QMimeData* m = event->mimeData();
    if (m->hasUrls() && !m->urls().isEmpty() && m->urls().first().isLocalFile())
        event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent* event) {
    const QList<QUrl> urls = event->mimeData()->urls();
    if (urls.isEmpty() || !urls.first().isLocalFile()) return;
    event->acceptProposedAction();
    const QString path = urls.first().toLocalFile();
    // Open after the drop returns, so dialogs don't run inside the drag loop.
    QTimer::singleShot(0, this, [this, path] { openFile(path); });
}

}  // namespace boxanim::ui
